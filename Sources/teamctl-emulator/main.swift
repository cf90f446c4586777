import FacilityEmulator
print("teamctl-emulator: not implemented yet")
