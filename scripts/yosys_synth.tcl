# Yosys synthesis to a standard-cell library. Run by `kaizen flow synth`,
# or by hand: yosys -c scripts/yosys_synth.tcl with the variables below set.
#   KAIZEN_VERILOG   emitted Verilog        KAIZEN_TOP       top module
#   KAIZEN_LIBERTY   cell library (.lib)    KAIZEN_NETLIST   netlist to write
#   KAIZEN_STAT      cell/area report       KAIZEN_FLOP      dfflegalize cell spec
#   KAIZEN_TIEHI / KAIZEN_TIELO  "cell pin" of the tie cells
#   KAIZEN_CLOCK_PS  fastest clock period in ps (empty: map for area)
#   KAIZEN_MACRO_LIBERTY  SRAM macro models (space-separated; may be empty)
#   KAIZEN_MACRO_DEFINES  -DKAIZEN_MACRO_<name> per macro: skips its
#                         behavioural model, so the macro stays a black box
yosys -import
set lib $::env(KAIZEN_LIBERTY)
set macro_libs $::env(KAIZEN_MACRO_LIBERTY)

# Cells as black boxes with pin directions, so `check` sees their outputs.
read_liberty -lib $lib
foreach m $macro_libs {
    read_liberty -lib $m
}
read_verilog {*}$::env(KAIZEN_MACRO_DEFINES) $::env(KAIZEN_VERILOG)
hierarchy -check -top $::env(KAIZEN_TOP)
# Generic synthesis, flattened so ABC optimises across rust-hdl's
# per-instance modules.
synth -flatten -top $::env(KAIZEN_TOP)
# The kit has only async set/reset flops: every flop becomes that cell.
# opt_merge shares the inverters dfflegalize adds on each reset pin.
dfflegalize -cell {*}$::env(KAIZEN_FLOP)
opt_merge
opt_clean
dfflibmap -liberty $lib
opt_merge
# With a delay target ABC maps for delay (Yosys' own -D script), then
# buffers high fan-out nets and sizes gates against the target, as a
# timing-driven flow would before placement.
if {[info exists ::env(KAIZEN_CLOCK_PS)] && $::env(KAIZEN_CLOCK_PS) ne ""} {
    set d $::env(KAIZEN_CLOCK_PS)
    abc -liberty $lib -script "+strash;&get,-n;&fraig,-x;&put;scorr;dc2;dretime;strash;&get,-n;&dch,-f;&nf,-D,$d;&put;buffer,-p;upsize,-D,$d;dnsize,-D,$d"
} else {
    abc -liberty $lib
}
# One tie cell per module, not one per tied pin.
hilomap -singleton -hicell {*}$::env(KAIZEN_TIEHI) -locell {*}$::env(KAIZEN_TIELO)
setundef -zero
opt_clean -purge
check -assert
set stat_libs [list -liberty $lib]
foreach m $macro_libs {
    lappend stat_libs -liberty $m
}
tee -q -o $::env(KAIZEN_STAT) stat {*}$stat_libs
write_verilog -noattr -noexpr $::env(KAIZEN_NETLIST)
