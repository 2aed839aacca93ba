"""Files in and out: the canonical record file and person-assignment files."""
