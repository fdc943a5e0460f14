"""Events, co-organisers, programmes and registrations."""
