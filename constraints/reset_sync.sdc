# kaizen_reset_sync: reset synchronizer
# Target: 2.0 GHz (500 ps) core clock, the die-to-die link's core clock
# (16 GT/s per lane / 8 bits per lane per clock), which the shared
# primitives must meet to be usable in the PHY. Times in ps, loads in pF
# (GT2N liberty units). I/O budgets: 20 % of the period on each side for
# the neighbouring logic; 25 ps uncertainty for pre-CTS skew and jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_output_delay 100 -clock core [all_outputs]
# The asynchronous reset input is the point of this block.
set_false_path -from [get_ports async_reset]
set_load 0.002 [all_outputs]
