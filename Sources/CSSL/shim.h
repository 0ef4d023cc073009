// OpenSSL's TLS client for https alert webhooks (Sources/CordonAlerts/TLSConnection.swift).
// Swift cannot call C macros; the shims below wrap the ones the client needs.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// SNI: SSL_set_tlsext_host_name is a macro over SSL_ctrl. Without it, servers behind a shared
// address (every hosted webhook service) answer with another name's certificate.
static inline long cssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

// The protocol floor: TLS 1.2 (SSL_CTX_set_min_proto_version is a macro too).
static inline long cssl_require_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}
