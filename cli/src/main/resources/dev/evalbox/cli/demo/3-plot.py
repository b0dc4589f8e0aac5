# Plot weekly revenue with matplotlib, save the figure and show it.
import matplotlib.pyplot as plt

weekly = sales.set_index("day").groupby("region")["revenue"].resample("W").sum().unstack(0)
ax = weekly.plot(figsize=(7, 3.5), title="Weekly revenue by region")
ax.set_ylabel("revenue")
plt.tight_layout()
plt.savefig("output/weekly_revenue.png", dpi=100)
plt.show()
