"""The longest units and the critical path of a `cargo build --timings` HTML report."""
import json
import re
import sys

html = open(sys.argv[1]).read()
match = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
if not match:
    sys.exit(f"no UNIT_DATA in {sys.argv[1]}")
units = json.loads(match.group(1))


def label(unit):
    target = unit.get("target", "").strip()
    return f"{unit['name']} {unit['version']}{target}"


print("longest units (duration, s):")
for unit in sorted(units, key=lambda u: -u["duration"])[:12]:
    print(f"  {unit['duration']:7.2f}  start {unit['start']:6.2f}  {label(unit)}")

# Walk back from the unit that ends last: each step goes to the unit whose completion (or
# metadata, for pipelined builds) unlocked it and that ended latest.
by_index = {unit["i"]: unit for unit in units}
unlocked_by = {}
for unit in units:
    for key in ("unblocked_units", "unblocked_rmeta_units"):
        for other in unit.get(key) or []:
            # Metadata is ready before the unit ends; the report does not always say when, so
            # the unit's end stands for it.
            end = unit["start"] + unit["duration"]
            best = unlocked_by.get(other)
            if best is None or end > best[1]:
                unlocked_by[other] = (unit["i"], end)
last = max(units, key=lambda u: u["start"] + u["duration"])
path = [last]
while path[-1]["i"] in unlocked_by:
    path.append(by_index[unlocked_by[path[-1]["i"]][0]])
print(f"critical path (ends at {last['start'] + last['duration']:.1f} s), first to last:")
for unit in reversed(path):
    print(f"  start {unit['start']:6.2f}  {unit['duration']:7.2f} s  {label(unit)}")
