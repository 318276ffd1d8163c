"""The learned models' shipped parameters (data, not code): read by ``assistant.asking.scorer``."""
