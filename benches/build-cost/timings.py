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

# Cargo records, for each unit, the units it unblocked: those whose last dependency it was. The
# chain of these "last dependencies" back from the final unit is the critical path; the sum of
# its durations is what the build would take with a free core whenever a unit is ready, and the
# rest of the wall time is units waiting for one of the machine's cores.
by_index = {unit["i"]: unit for unit in units}
unblocked_by = {}
for unit in units:
    for key in ("unblocked_units", "unblocked_rmeta_units"):
        for other in unit.get(key) or []:
            unblocked_by.setdefault(other, unit["i"])
last = max(units, key=lambda u: u["start"] + u["duration"])
path = [last]
while path[-1]["i"] in unblocked_by:
    path.append(by_index[unblocked_by[path[-1]["i"]]])
busy = sum(unit["duration"] for unit in path)
end = last["start"] + last["duration"]
print(f"critical path: {busy:.1f} s of work in a {end:.1f} s build, first to last:")
for unit in reversed(path):
    print(f"  start {unit['start']:6.2f}  {unit['duration']:7.2f} s  {label(unit)}")
print(f"sum of all units: {sum(u['duration'] for u in units):.1f} s")
