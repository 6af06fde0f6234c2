# OpenSTA static timing of a mapped netlist. Run by `kaizen flow sta`, or
# by hand: sta -no_splash -exit scripts/sta.tcl with these set:
#   KAIZEN_LIBERTY  the netlist's library   KAIZEN_BOUNDARY_LIBERTY  library of SDC driving cells
#   KAIZEN_NETLIST  mapped netlist          KAIZEN_TOP  top module
#   KAIZEN_SDC      constraints
#   KAIZEN_MACRO_LIBERTY  SRAM macro models, space-separated (may be empty)
read_liberty $::env(KAIZEN_LIBERTY)
foreach lib $::env(KAIZEN_MACRO_LIBERTY) {
    read_liberty $lib
}
if {$::env(KAIZEN_BOUNDARY_LIBERTY) != $::env(KAIZEN_LIBERTY)} {
    read_liberty $::env(KAIZEN_BOUNDARY_LIBERTY)
}
read_verilog $::env(KAIZEN_NETLIST)
link_design $::env(KAIZEN_TOP)
read_sdc $::env(KAIZEN_SDC)
# Worst setup path per clock group, then the totals kaizen parses.
report_checks -path_delay max -digits 2
report_tns -digits 2
report_worst_slack -digits 2
