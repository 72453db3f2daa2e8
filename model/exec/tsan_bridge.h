// TSan bridge: in the `tsan` build (OVLFUZZ_TSAN defined) every model lock is
// a TSan-annotated mutex and every model thread a TSan fiber, so TSan's own
// lock-order detector (detect_deadlocks=1) watches the same acquisitions as
// the lock-inversion oracle. There is no stack switching: the executor
// switches TSan's notion of the current thread before running a model
// thread's slice, always from the same call depth. In other builds all of
// this compiles away.
#ifndef OVLFUZZ_MODEL_EXEC_TSAN_BRIDGE_H_
#define OVLFUZZ_MODEL_EXEC_TSAN_BRIDGE_H_

#if defined(OVLFUZZ_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace ovlfuzz::tsan {

#if defined(OVLFUZZ_TSAN)
constexpr bool kEnabled = true;
inline void* CurrentFiber() { return __tsan_get_current_fiber(); }
inline void* CreateFiber() { return __tsan_create_fiber(0); }
inline void DestroyFiber(void* f) { __tsan_destroy_fiber(f); }
inline void SwitchTo(void* f) { __tsan_switch_to_fiber(f, 0); }
inline void NameFiber(void* f, const char* name) { __tsan_set_fiber_name(f, name); }
inline void MutexCreate(void* m) { __tsan_mutex_create(m, __tsan_mutex_not_static); }
inline void MutexDestroy(void* m) { __tsan_mutex_destroy(m, __tsan_mutex_not_static); }
inline void PreLock(void* m, bool read, bool try_lock) {
  __tsan_mutex_pre_lock(m, (read ? __tsan_mutex_read_lock : 0u) | (try_lock ? __tsan_mutex_try_lock : 0u));
}
inline void PostLock(void* m, bool read, bool try_lock, bool failed) {
  unsigned flags = (read ? __tsan_mutex_read_lock : 0u) | (try_lock ? __tsan_mutex_try_lock : 0u) |
                   (failed ? __tsan_mutex_try_lock_failed : 0u);
  __tsan_mutex_post_lock(m, flags, 0);
}
inline void Unlock(void* m, bool read) {
  __tsan_mutex_pre_unlock(m, read ? __tsan_mutex_read_lock : 0u);
  __tsan_mutex_post_unlock(m, read ? __tsan_mutex_read_lock : 0u);
}
#else
constexpr bool kEnabled = false;
inline void* CurrentFiber() { return nullptr; }
inline void* CreateFiber() { return nullptr; }
inline void DestroyFiber(void*) {}
inline void SwitchTo(void*) {}
inline void NameFiber(void*, const char*) {}
inline void MutexCreate(void*) {}
inline void MutexDestroy(void*) {}
inline void PreLock(void*, bool, bool) {}
inline void PostLock(void*, bool, bool, bool) {}
inline void Unlock(void*, bool) {}
#endif

}  // namespace ovlfuzz::tsan

#endif  // OVLFUZZ_MODEL_EXEC_TSAN_BRIDGE_H_
