# kaizen_fifo: 16 x 32 synchronous FIFO
# Target: 2.0 GHz (500 ps) core clock, the die-to-die link's core clock
# (16 GT/s per lane / 8 bits per lane per clock), which the shared
# primitives must meet to be usable in the PHY. Times in ps, loads in pF
# (GT2N liberty units). I/O budgets: 20 % of the period on each side for
# the neighbouring logic; 25 ps uncertainty for pre-CTS skew and jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {push pop data_in}]
set_output_delay 100 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {push pop data_in}]
