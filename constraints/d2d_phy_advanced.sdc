# kaizen_d2d_phy_advanced: die-to-die PHY (UCIe-class advanced package), one
# die: 64 data lanes + 4 spares x 2 bits each way, link layer, training with
# lane repair onto the spares, sideband.
# Target: 2.0 GHz (500 ps), the link's core clock (2 bits per lane per clock:
# 4 GT/s per lane; the AFE below the lanes is not part of this block). Times
# in ps, loads in pF (GT2N liberty units). I/O budgets: 20 % of the period on
# each side for the neighbouring logic; 25 ps uncertainty for pre-CTS skew
# and jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {tx_valid tx_word lanes_in sb_in}]
set_output_delay 100 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {tx_valid tx_word lanes_in sb_in}]
