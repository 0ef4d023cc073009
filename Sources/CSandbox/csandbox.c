#include "csandbox.h"
int cs_placeholder(void) { return 0; }
