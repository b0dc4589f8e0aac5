# Write an output file with the findings.
import json

best = summary["revenue"].idxmax()
with open("output/summary.json", "w") as handle:
    json.dump({"best_region": best, "total_revenue": float(summary["revenue"].sum()),
               "rows": int(len(sales))}, handle, indent=2)
print("best region:", best)
print(open("output/summary.json").read())
