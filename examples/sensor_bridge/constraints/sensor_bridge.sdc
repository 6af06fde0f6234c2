# sensor_bridge: two asynchronous clocks (times in ps, loads in pF, GT2N units).
# The sensor interface at 250 MHz, the core at 1 GHz; 20 % of each period
# for the logic outside the block.
create_clock -name sensor -period 4000 [get_ports sensor_clock]
create_clock -name core -period 1000 [get_ports core_clock]
# The domains meet only through the handshake synchroniser.
set_clock_groups -asynchronous -group [get_clocks sensor] -group [get_clocks core]
set_clock_uncertainty 25 [get_clocks {sensor core}]
set_input_delay 800 -clock sensor [get_ports {sample reading}]
set_output_delay 800 -clock sensor [get_ports {ready dropped}]
set_output_delay 200 -clock core [get_ports {received last min max}]
# Asynchronous resets, each released by a reset synchroniser in its domain.
set_false_path -from [get_ports {sensor_reset core_reset}]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {sample reading}]
