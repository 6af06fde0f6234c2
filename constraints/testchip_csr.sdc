# kaizen_testchip_csr: the test chip's register block
# Target: 2.0 GHz (500 ps), the die-to-die link's core clock it runs on (the
# controller's counters reach it through handshake synchronisers, so
# mc_valid / mc_value are already in this domain; lt_value comes back
# combinationally from the link self-test's result mux for lt_sel, so its
# budget and lt_sel's output budget share that path). Times in ps, loads in pF
# (GT2N liberty units). I/O budgets: 20 % of the period on each side; 25 ps
# uncertainty for pre-CTS skew and jitter.
create_clock -name core -period 500 [get_ports clock]
set_clock_uncertainty 25 [get_clocks core]
set_input_delay 100 -clock core [get_ports {req_valid req_header rsp_pop link_status crc_errors replays retrains bad_slots link_test_status lanes_good mc_valid mc_value lt_value}]
set_output_delay 100 -clock core [all_outputs]
# Asynchronous reset: its release is synchronised (ResetSync) before use.
set_false_path -from [get_ports reset]
set_load 0.002 [all_outputs]
set_driving_cell -lib_cell gt2_6t_buf_x2_w31_lvt -pin Y [get_ports {req_valid req_header rsp_pop link_status crc_errors replays retrains bad_slots link_test_status lanes_good mc_valid mc_value lt_value}]
