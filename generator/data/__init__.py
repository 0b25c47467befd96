"""Loading and validating policy_data/: the typed model, named parameters, cross-checks, the
named examples, the rules bundle calc reads and its open-data publication."""
