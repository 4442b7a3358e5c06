#ifndef HUDDLE_CZLIB_SHIM_H
#define HUDDLE_CZLIB_SHIM_H
#include <zlib.h>
#endif
