# kaizen_d2d_phy: die-to-die PHY (UCIe-class standard package), one die:
# 16 lanes x 8 bits each way, link layer, training, sideband.
# Target: 2.0 GHz (500 ps), the link's core clock (16 GT/s per lane, 8 bits
# per lane per clock; the SerDes/AFE below the lanes is not part of this
# block). Times in ps, loads in pF (GT2N liberty units). I/O budgets: 20 %
# of the period on each side for the neighbouring logic (the user's link
# layer, the AFE's lane registers); 25 ps uncertainty for pre-CTS skew and
# jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {tx_valid tx_word lanes_in sb_in}]
set_output_delay 100 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {tx_valid tx_word lanes_in sb_in}]
