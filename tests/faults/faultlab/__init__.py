"""The fault lab: own infrastructure, service processes, workload, faults and checks."""
