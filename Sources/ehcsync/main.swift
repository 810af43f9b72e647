import EHCSync
print("ehcsync \(EHCSyncVersion.string)")
