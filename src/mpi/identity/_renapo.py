"""Fixed tables of the RENAPO Instructivo Normativo (2006) that the CURP rules refer to."""

from __future__ import annotations

# Check-digit alphabet: each character is worth its index (A=10, N=23, Ñ=24, O=25, Z=36).
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
CHAR_VALUE = {char: value for value, char in enumerate(CHECK_ALPHABET)}

# Anexo 2: when positions 1-4 spell one of these, RENAPO replaces position 2 with X.
_INCONVENIENT = """
    BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA
    CULO FALO FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA
    KOJE KOJI KOJO KOLA KULO LILO LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION
    MOCO MOKO MULA MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO RATA ROBA
    ROBE ROBO RUIN SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY
"""
INCONVENIENT_WORDS = frozenset(_INCONVENIENT.split())

# Prepositions, articles and conjunctions dropped from compound names and surnames.
_PARTICLES = "DA DAS DE DEL DER DI DIE DD EL LA LOS LAS LE LES MAC MC VAN VON Y"
PARTICLES = frozenset(_PARTICLES.split())

# A first given name skipped when more follow (MARIA LUISA -> L). The Instructivo lists
# MARIA, MA., MA, JOSE, J., J; the bare initial M / M. is captured the same way in practice
# (M CRISTINA -> C, as in the ripper2hl/curp test vector QUCC810919MVZHLR01).
SKIPPED_FIRST_NAMES = frozenset({"MARIA", "MA.", "MA", "M.", "M", "JOSE", "J.", "J"})

VOWELS = frozenset("AEIOU")
LETTERS = frozenset("ABCDEFGHIJKLMNÑOPQRSTUVWXYZ")

# Generic keys that stand for "unknown person", never identity evidence.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "XEXX010101HNEXXXA4",  # generic CURP for foreigners, seen in public code
        "XEXX010101MNEXXXA4",  # its female twin (H and M differ by 5, weight 8: same digit)
        "XXXX999999XXXXXX99",  # DGIS "CURP genérica" of the GIIS formats
    }
)
