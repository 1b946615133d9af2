"""Performance benchmark of the okrs toolkit, with a generator of large OKR organisations."""
