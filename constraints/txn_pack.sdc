# kaizen_txn_pack: the test chip's transaction layer, transmit side (response slots into flit payloads)
# Target: 2.0 GHz (500 ps), the die-to-die link's core clock it runs on.
# Times in ps, loads in pF (GT2N liberty units). I/O budgets: 20 % of the
# period on each side for the neighbouring logic (the PHY's user port, the
# request and response buffers); 25 ps uncertainty for pre-CTS skew and
# jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {mem_valid mem_slot csr_valid csr_header credits tx_ready}]
set_output_delay 100 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {mem_valid mem_slot csr_valid csr_header credits tx_ready}]
