"""Plain data and errors shared by every layer; imports only the standard library."""
