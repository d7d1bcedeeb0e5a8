"""The table and ratios of benches/build-cost/run.sh, from its lines `crate round wall cpu`."""
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
crates = list(dict.fromkeys(row[0] for row in rows))
rounds = list(dict.fromkeys(row[1] for row in rows))
value = {(c, r): (float(w), float(u)) for c, r, w, u in rows}

print("| crate | " + " | ".join(f"round {r}: wall / CPU" for r in rounds) + " | mean wall | mean CPU |")
print("|---|" + "---|" * (len(rounds) + 2))
means = {}
for crate in crates:
    walls = [value[(crate, r)][0] for r in rounds]
    cpus = [value[(crate, r)][1] for r in rounds]
    means[crate] = (statistics.mean(walls), statistics.mean(cpus))
    cells = " | ".join(f"{w:.1f} s / {u:.1f} s" for w, u in zip(walls, cpus))
    print(f"| {crate} | {cells} | {means[crate][0]:.1f} s | {means[crate][1]:.1f} s |")

if len(crates) == 2:
    a, b = crates
    print()
    print(f"ratio {a} / {b}: wall {means[a][0] / means[b][0]:.2f}, CPU {means[a][1] / means[b][1]:.2f}")
    # Per round, the two builds ran back to back: their ratio cancels slow load drifts.
    for r in rounds:
        (wa, ua), (wb, ub) = value[(a, r)], value[(b, r)]
        print(f"  round {r}: wall {wa / wb:.2f}, CPU {ua / ub:.2f}")
