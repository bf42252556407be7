/* Stand-in for libgupnp-igd-1.0.so.4: UPnP port mapping is never used here, and the real
   library pulls in libsoup3, which aborts a process (whip-client) already using libsoup2. */
typedef unsigned long GType;
void *gupnp_simple_igd_thread_new(void) { return 0; }
GType gupnp_simple_igd_get_type(void) { return 0; }
void gupnp_simple_igd_add_port(void *a, const char *b, unsigned c, const char *d, unsigned e, unsigned f, const char *g) {}
void gupnp_simple_igd_remove_port_local(void *a, const char *b, const char *c, unsigned d) {}
