# Generate a CSV: 90 days of unit sales in three regions.
import os
import numpy as np
import pandas as pd

rng = np.random.default_rng(7)
os.makedirs("data", exist_ok=True)
os.makedirs("output", exist_ok=True)
days = pd.date_range("2026-01-01", periods=90, freq="D")
sales = pd.DataFrame({
    "day": np.tile(days, 3),
    "region": np.repeat(["north", "south", "west"], 90),
    "units": rng.poisson(lam=np.repeat([40, 55, 30], 90)),
})
sales["revenue"] = (sales["units"] * rng.normal(12.5, 0.8, len(sales))).round(2)
sales.to_csv("data/sales.csv", index=False)
print(f"wrote data/sales.csv: {len(sales)} rows")
