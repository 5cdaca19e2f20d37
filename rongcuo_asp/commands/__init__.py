"""The commands of `rongcuo`, one module per family; cli.py assembles them into the group."""
