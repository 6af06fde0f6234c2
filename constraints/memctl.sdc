# kaizen_memctl: HBM3 pseudo-channel controller, DFI-style at 1:1
# Target: 1.6 GHz (625 ps): the HBM3-6400 preset's CK (tCK = 0.625 ns), since
# at a 1:1 DFI ratio the controller issues one command per CK. Times in ps,
# loads in pF (GT2N liberty units). I/O budgets: 20 % of the period on each
# side for the neighbouring logic; 25 ps uncertainty for pre-CTS skew and
# jitter.
create_clock -name core -period 625 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 125 -clock core [get_ports {req_valid req_write req_addr req_id req_data req_mask rsp_ready dfi_rddata_valid dfi_rddata cnt_sel}]
set_output_delay 125 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {req_valid req_write req_addr req_id req_data req_mask rsp_ready dfi_rddata_valid dfi_rddata cnt_sel}]
