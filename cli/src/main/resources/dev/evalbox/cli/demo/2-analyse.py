# Analyse it with pandas: totals and daily means per region.
sales = pd.read_csv("data/sales.csv", parse_dates=["day"])
summary = sales.groupby("region").agg(
    units=("units", "sum"), revenue=("revenue", "sum"), mean_daily_units=("units", "mean")).round(1)
summary
