"""PubMed behind one interface: the live E-utilities client and the offline library."""
