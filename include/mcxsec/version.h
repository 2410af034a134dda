/* mcxsec/version.h — library version (semantic versioning; the SONAME follows the major number).
 * Implements no protocol clause. */
#ifndef MCXSEC_VERSION_H
#define MCXSEC_VERSION_H
#include "err.h"
#define MCX_VERSION_MAJOR 0
#define MCX_VERSION_MINOR 1
#define MCX_VERSION_PATCH 0
#define MCX_VERSION_STRING "0.1.0"
#ifdef __cplusplus
extern "C" {
#endif
/** Version string of the linked library (may differ from MCX_VERSION_STRING of the headers). */
MCX_API const char *mcx_version(void);
#ifdef __cplusplus
}
#endif
#endif
