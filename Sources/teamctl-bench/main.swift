print("teamctl-bench: not implemented yet")
