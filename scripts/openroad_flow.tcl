# OpenROAD: floorplan, placement, clock tree, routing, reports. Written
# beside its inputs by `kaizen flow pnr`; run where OpenROAD is installed:
#   openroad -exit scripts/openroad_flow.tcl
# Variables (set by the generated run.sh):
#   KAIZEN_TECH_LEF KAIZEN_CELL_LEF KAIZEN_LIBERTY KAIZEN_NETLIST KAIZEN_TOP
#   KAIZEN_SDC KAIZEN_UTILIZATION KAIZEN_ASPECT KAIZEN_PIN_CONSTRAINTS KAIZEN_OUT
#   KAIZEN_SITE KAIZEN_TAP_CELL
#   KAIZEN_MACRO_LEF (SRAM macro abstracts, space-separated; liberty beside each)
read_lef $::env(KAIZEN_TECH_LEF)
read_lef $::env(KAIZEN_CELL_LEF)
read_liberty $::env(KAIZEN_LIBERTY)
foreach lef $::env(KAIZEN_MACRO_LEF) {
    read_lef $lef
    read_liberty [file rootname $lef].lib
}
read_verilog $::env(KAIZEN_NETLIST)
link_design $::env(KAIZEN_TOP)
read_sdc $::env(KAIZEN_SDC)

initialize_floorplan -utilization $::env(KAIZEN_UTILIZATION) \
    -aspect_ratio $::env(KAIZEN_ASPECT) -core_space 1 -site $::env(KAIZEN_SITE)
make_tracks
tapcell -distance 10 -tapcell_master $::env(KAIZEN_TAP_CELL)
# Pin sides from constraints/<block>.floorplan.json, as
# set_io_pin_constraint lines written by kaizen.
source $::env(KAIZEN_PIN_CONSTRAINTS)
place_pins -hor_layers M3 -ver_layers M2
global_placement -density [expr {$::env(KAIZEN_UTILIZATION) / 100.0 + 0.1}]
detailed_placement
repair_design
clock_tree_synthesis -root_buf [lindex [get_lib_cells *buf_x4*] 0] -buf_list [get_lib_cells *buf_x*]
set_propagated_clock [all_clocks]
repair_timing
detailed_placement
global_route
detailed_route
report_checks -path_delay max -digits 2 > $::env(KAIZEN_OUT)/pnr_timing.rpt
report_design_area > $::env(KAIZEN_OUT)/pnr_area.rpt
write_def $::env(KAIZEN_OUT)/$::env(KAIZEN_TOP).def
