#include <zookeeper/zookeeper.h>

// The C client's globals as functions, so Swift reads them without touching shared mutable state.
static inline struct ACL_vector *sluice_zoo_open_acl(void) { return &ZOO_OPEN_ACL_UNSAFE; }
static inline int sluice_zoo_ephemeral(void) { return ZOO_EPHEMERAL; }
static inline int sluice_zoo_persistent(void) { return ZOO_PERSISTENT; }
static inline int sluice_zoo_expired_session_state(void) { return ZOO_EXPIRED_SESSION_STATE; }
