/*
 * Deliberately broken connector plugins, one per compile definition:
 *   WRONG_MAJOR     abi_major one above the host's
 *   NEWER_MINOR     abi_minor above the host's
 *   NULL_DESCRIPTOR the entry returns NULL
 *   NO_ENTRY        no entry symbol at all
 * The plugin host must refuse each with a message naming the file (and, for
 * version mismatches, both versions).
 */
#include "baton/connector.h"

#if !defined(NO_ENTRY) && !defined(NULL_DESCRIPTOR)
static const baton_connector kDescriptor = {
    sizeof(baton_connector),
#if defined(WRONG_MAJOR)
    BATON_CONNECTOR_ABI_MAJOR + 1, 0,
#elif defined(NEWER_MINOR)
    BATON_CONNECTOR_ABI_MAJOR, 99,
#else
    BATON_CONNECTOR_ABI_MAJOR, BATON_CONNECTOR_ABI_MINOR,
#endif
    "broken", "0.0.1", "a plugin the host must refuse", 0, 0, 0};
#endif

#ifndef NO_ENTRY
BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
#ifdef NULL_DESCRIPTOR
  return 0;
#else
  return &kDescriptor;
#endif
}
#else
BATON_CONNECTOR_EXPORT int baton_something_else(void) { return 1; }
#endif
