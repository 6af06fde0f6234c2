# kaizen_testchip_advanced: the test chip built with the advanced-package PHY
# (64 lanes + 4 spares of 2 bits per clock; otherwise as testchip.sdc)
# Clocks: the link's 2.0 GHz core clock (500 ps; 16 GT/s per lane / 8 bits
# per lane per clock) and the controller's 1.6 GHz clock (625 ps: the
# HBM3-6400 CK at a 1:1 DFI ratio). They are unrelated: every crossing goes
# through the async FIFOs and handshake synchronisers (`kaizen cdc`), so
# static timing does not time paths between them. Times in ps, loads in pF
# (GT2N liberty units). I/O budgets: 20 % of the period on each side for
# the analog front end and the HBM PHY; 25 ps uncertainty for pre-CTS skew
# and jitter.
create_clock -name link -period 500 [get_ports link_clock]
create_clock -name mc -period 625 [get_ports mc_clock]
set_clock_groups -asynchronous -group {link} -group {mc}
set_clock_uncertainty 25 [get_clocks {link mc}]
set_input_delay 100 -clock link [get_ports {lanes_in sb_in}]
set_output_delay 100 -clock link [get_ports {lanes_out sb_out link_state link_test_running}]
set_input_delay 125 -clock mc [get_ports {dfi_rddata_valid dfi_rddata}]
set_output_delay 125 -clock mc [get_ports {dfi_cmd dfi_bank dfi_row dfi_col dfi_wrdata dfi_wrmask mem_test_running}]
# The reset pin is asynchronous: each domain releases it through its own
# ResetSync.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {lanes_in sb_in dfi_rddata_valid dfi_rddata}]
