#ifndef HUDDLE_CMALLOC_SHIM_H
#define HUDDLE_CMALLOC_SHIM_H
/* glibc's malloc_trim: hand freed heap back to the system. */
#include <malloc.h>
#endif
