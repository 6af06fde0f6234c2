"""Place and route one block with OpenROAD's Python module (PyPI `openroad`).

Run by `kaizen flow pnr`, which writes the run's inputs as one JSON file
(`pnr.json` beside the results) and reads back `result.json` and the
reports this script writes. By hand, with the project's environment:

    .venv/bin/python scripts/openroad_pnr.py build/flow/<block>/lvt/pnr/pnr.json

Steps: floorplan (the die and core kaizen computed), tracks, macros, pins by
side, global and detailed placement, design repair, clock tree, timing
repair, global and detailed routing, fillers, the backside power grid, then
timing and power with wire parasitics estimated over the placed pins from
per-layer wire RC (the kit has no extraction rules for OpenRCX), DEF, ODB
and a picture. `initialize_floorplan` (Tcl) crashes in this build of
OpenROAD; the Python floorplan API does the same job. docs/flow.md says
what each choice stands on.
"""

import json
import os
import sys
import time

from openroad import Design, Tech, odb


def log(msg, start=[time.time()]):
    print(f"pnr: [{time.time() - start[0]:6.1f} s] {msg}", flush=True)


class Run:
    def __init__(self, cfg):
        self.cfg = cfg
        self.out = cfg["out"]
        self.tech = Tech()
        self.tech.readLef(cfg["tech_lef"])
        for lef in [cfg["cell_lef"], *cfg["macro_lefs"]]:
            self.tech.readLef(lef)
        for lib in cfg["liberties"]:
            self.tech.readLiberty(lib)
        self.design = Design(self.tech)
        self.design.readVerilog(cfg["netlist"])
        self.design.link(cfg["top"])
        self.tcl(f"set_thread_count {cfg['threads']}")
        self.tcl(f"read_sdc {{{cfg['sdc']}}}")
        self.block = self.design.getBlock()
        self.dbu = self.block.getDbUnitsPerMicron()
        self.times = {}

    def tcl(self, cmd):
        return self.design.evalTclString(cmd)

    def step(self, name, fn):
        log(name)
        t = time.time()
        try:
            fn()
        except RuntimeError as e:
            # OpenROAD raises its message id; its log lines above say why.
            raise SystemExit(f"pnr: {name} failed ({e}); OpenROAD's errors are above")
        self.times[name] = round(time.time() - t, 2)

    def um(self, v):
        return int(round(v * self.dbu))

    def floorplan(self):
        die, core = self.cfg["die_um"], self.cfg["core_um"]
        fp = self.design.getFloorplan()
        site = fp.findSite(self.cfg["site"])
        if site is None:
            raise SystemExit(f"pnr: the cell LEF has no site {self.cfg['site']}")
        fp.initFloorplan(
            odb.Rect(*[self.um(v) for v in die]),
            odb.Rect(*[self.um(v) for v in core]),
            site,
        )
        fp.makeTracks()
        self.gcell_tracks()

    def gcell_tracks(self):
        """Global routing sizes its gcells as 15 tracks of the tech's third
        routing layer. GT2N lists its backside layers first, so that is BM3
        (0.72 um pitch): one 10.8 um gcell over a small block. Its tracks
        (never routed on) take the pitch of the front-side layer named in
        the config instead."""
        tech = self.block.getTech()
        routing = [l for l in tech.getLayers() if l.getType() == "ROUTING"]
        third = routing[2]
        like = tech.findLayer(self.cfg["gcell_pitch_layer"])
        if third.getName() == like.getName():
            return
        odb.dbTrackGrid.destroy(self.block.findTrackGrid(third))
        pitch = like.getPitch()
        self.design.getFloorplan().makeTracks(third, pitch // 2, pitch, pitch // 2, pitch)

    def macros(self):
        """SRAM macros in a row along the top of the core from its right
        edge leftwards: their address pins (left edge) and data pins
        (bottom edge) face the cells. Rows under them are cut, with a halo."""
        insts = sorted(
            (i for i in self.block.getInsts() if i.getMaster().isBlock()),
            key=lambda i: i.getName(),
        )
        if not insts:
            return
        core = self.block.getCoreArea()
        halo = self.um(self.cfg["macro_halo_um"])
        x = core.xMax()
        for inst in insts:
            m = inst.getMaster()
            x -= m.getWidth()
            if x < core.xMin():
                raise SystemExit(f"pnr: macros do not fit along the top of the core ({inst.getName()})")
            # On the site grid, so the cut rows line up.
            site = self.block.getRows()[0].getSite()
            x -= (x - core.xMin()) % site.getWidth()
            y = core.yMax() - m.getHeight()
            y -= (y - core.yMin()) % site.getHeight()
            inst.setOrient("R0")
            inst.setLocation(x, y)
            inst.setPlacementStatus("FIRM")
            x -= halo
        self.tcl(f"cut_rows -halo_width_x {self.cfg['macro_halo_um']} -halo_width_y {self.cfg['macro_halo_um']}")

    def power_grid(self):
        p = self.cfg["pdn"]
        for cmd in [
            f"add_global_connection -net {p['power_net']} -pin_pattern {{^{p['power_pin']}$}} -power",
            f"add_global_connection -net {p['ground_net']} -pin_pattern {{^{p['ground_pin']}$}} -ground",
            "global_connect",
            f"set_voltage_domain -power {p['power_net']} -ground {p['ground_net']}",
            "define_pdn_grid -name core",
            f"add_pdn_stripe -grid core -layer {p['rail_layer']} -width {p['rail_width']} -followpins",
        ]:
            self.tcl(cmd)
        below = p["rail_layer"]
        for s in p["straps"]:
            self.tcl(
                f"add_pdn_stripe -grid core -layer {s['layer']} -width {s['width']}"
                f" -pitch {s['pitch']} -offset {s['offset']}"
            )
            self.tcl(f"add_pdn_connect -grid core -layers {{{below} {s['layer']}}}")
            below = s["layer"]
        self.tcl("pdngen")

    def wire_rc(self):
        for w in self.cfg["wire_rc"]:
            self.tcl(
                f"set_layer_rc -layer {w['layer']} -resistance {w['r_ohm_per_um']}"
                f" -capacitance {w['c_pf_per_um']}"
            )
        for v in self.cfg["via_rc"]:
            self.tcl(f"set_layer_rc -via {v['layer']} -resistance {v['r_ohm']}")
        self.tcl(f"set_wire_rc -signal -layers {{{' '.join(self.cfg['signal_rc_layers'])}}}")
        self.tcl(f"set_wire_rc -clock -layers {{{' '.join(self.cfg['clock_rc_layers'])}}}")

    def pins(self):
        p = self.cfg["pins"]
        for direction, side in [("input", p["inputs_side"]), ("output", p["outputs_side"])]:
            self.tcl(f"set_io_pin_constraint -direction {direction} -region {side}:*")
        self.tcl(f"place_pins -hor_layers {p['horizontal_layer']} -ver_layers {p['vertical_layer']}")

    def place(self):
        self.tcl(f"global_placement -density {self.cfg['placement_density']}")
        self.tcl("estimate_parasitics -placement")
        self.tcl("repair_design")
        self.tcl("detailed_placement")

    def clock_tree(self):
        c = self.cfg["cts"]
        self.tcl(
            f"clock_tree_synthesis -root_buf {c['root_buffer']}"
            f" -buf_list {{{' '.join(c['buffers'])}}}"
        )
        self.tcl("set_propagated_clock [all_clocks]")
        self.tcl("estimate_parasitics -placement")
        self.tcl("repair_timing -setup -hold")
        self.tcl("detailed_placement")
        self.tcl("check_placement")

    def route(self):
        r = self.cfg["routing"]
        self.tcl(f"set_routing_layers -signal {r['layers']} -clock {r['layers']}")
        self.tcl("global_route")
        self.tcl(
            f"detailed_route -output_drc {{{self.out}/drc.rpt}}"
            f" -droute_end_iter {r['detailed_iterations']} -verbose 1"
        )
        self.drc = self.design.getTritonRoute().getNumDRVs()

    def fill(self):
        self.tcl(f"filler_placement {{{' '.join(self.cfg['fillers'])}}}")

    def wires(self):
        length = 0
        vias = 0
        ends = (odb.dbWireDecoder.VIA, odb.dbWireDecoder.TECH_VIA)
        for net in self.block.getNets():
            if net.getSigType() in ("POWER", "GROUND"):
                continue
            length += self.design.getNetRoutedLength(net)
            wire = net.getWire()
            if wire is None:
                continue
            dec = odb.dbWireDecoder()
            dec.begin(wire)
            op = dec.next()
            while op != odb.dbWireDecoder.END_DECODE:
                if op in ends:
                    vias += 1
                op = dec.next()
        return length / self.dbu, vias

    def signoff(self):
        """Timing and power on the routed design."""
        # Steiner-tree estimate over the placed pins with per-layer RC: the
        # kit has no OpenRCX rules, and the global-route estimate charged a
        # 0.36 um arbiter net with 3.6 fF here (docs/flow.md).
        self.tcl("estimate_parasitics -placement")
        sta = f"{self.out}/sta.txt"
        # The same reports as scripts/sta.tcl, so kaizen parses them alike.
        self.tcl(f"report_checks -path_delay max -fields {{cap slew}} -digits 2 > {{{sta}}}")
        self.tcl(f"report_tns -digits 2 >> {{{sta}}}")
        self.tcl(f"report_worst_slack -digits 2 >> {{{sta}}}")
        self.tcl(f"report_clock_skew -digits 2 > {{{self.out}/skew.txt}}")
        # The kit's cells have no supply pins: power takes the library's
        # operating conditions' voltage.
        self.tcl(f"set_operating_conditions {self.cfg['operating_conditions']}")
        vcd = self.cfg.get("vcd")
        if vcd:
            self.tcl(f"read_vcd -scope {vcd['scope']} {{{vcd['path']}}}")
        self.tcl(f"report_power -digits 6 > {{{self.out}/power.txt}}")
        power = [float(x) for x in self.tcl("sta::design_power [sta::cmd_corner]").split()[:4]]
        skew = self.tcl("sta::worst_clk_skew_cmd setup false")
        # OpenSTA answers in seconds.
        return power, float(skew) * 1e12 if skew else 0.0

    def area(self):
        std = macro = 0
        for inst in self.block.getInsts():
            m = inst.getMaster()
            a = m.getWidth() * m.getHeight()
            if m.isBlock():
                macro += a
            else:
                std += a
        core = self.block.getCoreArea()
        die = self.block.getDieArea()
        to_um2 = 1.0 / (self.dbu * self.dbu)
        return {
            "die_area_um2": die.dx() * die.dy() * to_um2,
            "core_area_um2": core.dx() * core.dy() * to_um2,
            "cell_area_um2": std * to_um2,
            "macro_area_um2": macro * to_um2,
            "utilization": (std + macro) / (core.dx() * core.dy()),
            "instances": sum(1 for _ in self.block.getInsts()),
        }


def main(path):
    with open(path) as f:
        cfg = json.load(f)
    started = time.time()
    run = Run(cfg)
    run.step("floorplan", run.floorplan)
    run.step("macros", run.macros)
    run.wire_rc()
    run.step("pins", run.pins)
    run.step("placement", run.place)
    run.step("clock tree and timing repair", run.clock_tree)
    run.step("routing", run.route)
    area = run.area()
    run.step("fillers", run.fill)
    # The grid is on the back side, below the devices: it shares no layer
    # with signal routing (and TritonRoute crashes on backside special nets).
    run.step("power grid", run.power_grid)
    log("timing and power on the routed design")
    power, skew = run.signoff()
    wirelength, vias = run.wires()
    out = cfg["out"]
    run.design.writeDb(f"{out}/{cfg['top']}.odb")
    run.tcl(f"write_def {{{out}/{cfg['top']}.def}}")
    log("layout picture")
    # KLayout's libraries load only once OpenROAD is done with the design.
    import layout_png

    layout_png.render(
        f"{out}/{cfg['top']}.def",
        f"{out}/{cfg['top']}.png",
        [cfg["tech_lef"], cfg["cell_lef"], *cfg["macro_lefs"]],
        1.0 / run.dbu,
    )
    result = {
        **area,
        "wirelength_um": round(wirelength, 3),
        "vias": vias,
        "drc_violations": run.drc,
        "clock_skew_ps": skew,
        "power_w": {
            "internal": power[0],
            "switching": power[1],
            "leakage": power[2],
            "total": power[3],
        },
        "activity": "vcd" if cfg.get("vcd") else "default",
        "step_seconds": run.times,
        "runtime_s": round(time.time() - started, 2),
    }
    with open(f"{out}/result.json.tmp", "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
    os.replace(f"{out}/result.json.tmp", f"{out}/result.json")
    log(f"done: {run.drc} DRC violations, {wirelength:.1f} um of wire, {vias} vias")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: openroad_pnr.py RUN.json")
    main(sys.argv[1])
