import EHCSync
print("ehcsync-bench \(EHCSyncVersion.string)")
