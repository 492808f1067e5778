"""The shipped policy packs: one folder per pack, one module per rule, loaded by path (see aifab.policy.packs)."""
