"""Mexican identity evidence: CURP, names, phonetics, NSS, dates and codes. Pure, no I/O."""
