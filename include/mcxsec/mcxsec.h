/* mcxsec/mcxsec.h — umbrella header: includes every public mcxsec header (each names its own spec
 * clauses). */
#ifndef MCXSEC_MCXSEC_H
#define MCXSEC_MCXSEC_H
#include "err.h"
#include "util.h"
#include "version.h"
#include "selftest.h"
#include "eccsi.h"
#include "sakke.h"
#include "kdf.h"
#include "keys.h"
#include "mikey.h"
#include "kmsxml.h"
#include "kmsmsg.h"
#include "keystore.h"
#endif
