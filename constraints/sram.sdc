# kaizen_sram: a 64 x 32 two-port SRAM macro (kaizen_sram_1r1w_64x32), a
# black box with the abstracts `kaizen macro` generates (or flops with
# `--memories flops`). Target: 2.0 GHz (500 ps), the die-to-die link's core
# clock, like the other primitives; the macro's own limit is its minimum
# period (flow/src/sram/model.rs). Times in ps, loads in pF. I/O budgets:
# 20 % of the period on each side; 25 ps uncertainty for pre-CTS skew.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {write_enable write_address write_data read_enable read_address}]
set_output_delay 100 -clock core [all_outputs]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {write_enable write_address write_data read_enable read_address}]
