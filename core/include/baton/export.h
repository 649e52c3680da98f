/*
 * Symbol visibility for Baton's public C functions.
 *
 * libbaton is built with hidden visibility; BATON_EXPORT marks the functions
 * of baton.h, the only ones exported (a linker version script enforces the
 * baton_ prefix as well).
 *
 * Since: 1.0
 */
#ifndef BATON_EXPORT_H_
#define BATON_EXPORT_H_

#if defined(_WIN32)
#if defined(BATON_BUILDING_LIBRARY)
#define BATON_EXPORT __declspec(dllexport)
#else
#define BATON_EXPORT __declspec(dllimport)
#endif
#else
#define BATON_EXPORT __attribute__((visibility("default")))
#endif

#endif /* BATON_EXPORT_H_ */
