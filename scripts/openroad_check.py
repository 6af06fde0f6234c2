"""Checks the OpenROAD install: imports it and legalises a one-cell design
on the kit. Run by scripts/setup.sh.

    openroad_check.py TECH_LEF CELL_LEF LIBERTY INVERTER WORKDIR
"""

import os
import sys

from openroad import Design, Tech, odb


def main(tech_lef, cell_lef, liberty, inverter, work):
    os.makedirs(work, exist_ok=True)
    lef = os.path.join(work, "cells.lef")
    with open(cell_lef) as src, open(lef, "w") as dst:
        dst.writelines(line for line in src if not line.lstrip().startswith("/*"))
    netlist = os.path.join(work, "check.v")
    with open(netlist, "w") as f:
        f.write(f"module check(input a, output y);\n  {inverter} u0 (.A(a), .Y(y));\nendmodule\n")
    tech = Tech()
    tech.readLef(tech_lef)
    tech.readLef(lef)
    tech.readLiberty(liberty)
    design = Design(tech)
    design.readVerilog(netlist)
    design.link("check")
    fp = design.getFloorplan()
    um = design.micronToDBU
    fp.initFloorplan(odb.Rect(0, 0, um(2.016), um(2.016)), odb.Rect(um(0.504), um(0.576), um(1.512), um(1.44)), fp.findSite("gt2_6t"))
    fp.makeTracks()
    design.evalTclString("place_pins -hor_layers M2 -ver_layers M3")
    # Off the site grid on purpose: the legaliser must move it onto a row.
    inst = design.getBlock().findInst("u0")
    inst.setLocation(um(0.61), um(0.61))
    inst.setPlacementStatus("PLACED")
    design.evalTclString("detailed_placement")
    design.evalTclString("check_placement")
    x, y = inst.getLocation()
    core = design.getBlock().getCoreArea()
    if (y - core.yMin()) % um(0.144) != 0 or not core.xMin() <= x < core.xMax():
        raise SystemExit(f"openroad_check: the inverter is not on a row ({x}, {y})")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
