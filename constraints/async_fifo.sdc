# kaizen_async_fifo: 16 x 32 asynchronous FIFO (write: link clock, read: controller clock)
# Clocks: the test chip's two: the die-to-die link's 2.0 GHz core clock
# (500 ps) and the memory controller's 1.6 GHz clock (625 ps, HBM3-6400 CK
# at a 1:1 DFI ratio), unrelated: their crossing goes through this block's
# synchronisers, so static timing does not time paths between them. Times
# in ps, loads in pF (GT2N liberty units). I/O budgets: 20 % of the period
# on each side; 25 ps uncertainty for pre-CTS skew and jitter.
create_clock -name wr -period 500 [get_ports wr_clock]
create_clock -name rd -period 625 [get_ports rd_clock]
set_clock_groups -asynchronous -group {wr} -group {rd}
set_clock_uncertainty 25 [get_clocks {wr rd}]
set_input_delay 100 -clock wr [get_ports {push data_in}]
set_input_delay 125 -clock rd [get_ports {pop}]
set_output_delay 100 -clock wr [get_ports {full wr_level}]
set_output_delay 125 -clock rd [get_ports {data_out empty rd_level}]
# Asynchronous resets: each released by its own domain's ResetSync.
set_false_path -from [get_ports {wr_reset rd_reset}]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {push data_in pop}]
