# kaizen_bit_sync: two-flop synchroniser for one level
# Target: 2.0 GHz (500 ps), the die-to-die link's core clock, the fastest
# destination on the test chip. Times in ps, loads in pF (GT2N liberty
# units); 25 ps uncertainty for pre-CTS skew and jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_output_delay 100 -clock core [all_outputs]
# The input comes from another clock domain: untimed by design (this block
# is where it is sampled). The reset is released by a ResetSync.
set_false_path -from [get_ports {d reset}]
set_load 0.002 [all_outputs]
