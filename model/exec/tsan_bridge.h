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
// Must be inlined: TSan keeps a shadow call stack per fiber, so a switch
// made inside a called function would return on the other fiber's stack.
// Callers switch from one fixed call depth (Execution::Run and ~Execution).
__attribute__((always_inline)) inline void SwitchTo(void* f) { __tsan_switch_to_fiber(f, 0); }
inline void NameFiber(void* f, const char* name) { __tsan_set_fiber_name(f, name); }
inline void MutexCreate(void* m) { __tsan_mutex_create(m, __tsan_mutex_not_static); }
inline void MutexDestroy(void* m) { __tsan_mutex_destroy(m, __tsan_mutex_not_static); }
// TSan ignores a thread's synchronization between __tsan_mutex_pre_lock and
// post_lock, so a model thread may never sit blocked between the two (its
// fiber switches would stop ordering slices). A blocking attempt is
// announced as pre_lock closed at once as a failed try (TSan's deadlock
// detector checks for a cycle there, where lockdep does); the acquisition,
// possibly slices later, is a back-to-back pre_lock/post_lock, which adds
// TSan's lock-order edges from the locks held.
// A null mutex (an execution not annotating, see RunLimits::tsan) is a no-op.
inline unsigned ReadFlag(bool read) { return read ? __tsan_mutex_read_lock : 0u; }
inline void Attempt(void* m, bool read) {
  if (!m) return;
  __tsan_mutex_pre_lock(m, ReadFlag(read));
  __tsan_mutex_post_lock(m, ReadFlag(read) | __tsan_mutex_try_lock_failed, 0);
}
inline void Acquired(void* m, bool read) {
  if (!m) return;
  __tsan_mutex_pre_lock(m, ReadFlag(read));
  __tsan_mutex_post_lock(m, ReadFlag(read), 0);
}
inline void TryLock(void* m, bool read, bool acquired) {
  if (!m) return;
  unsigned flags = ReadFlag(read) | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(m, flags);
  __tsan_mutex_post_lock(m, flags | (acquired ? 0u : __tsan_mutex_try_lock_failed), 0);
}
inline void Unlock(void* m, bool read) {
  if (!m) return;
  __tsan_mutex_pre_unlock(m, ReadFlag(read));
  __tsan_mutex_post_unlock(m, ReadFlag(read));
}
#else
constexpr bool kEnabled = false;
inline void* CurrentFiber() { return nullptr; }
inline void* CreateFiber() { return nullptr; }
inline void DestroyFiber(void*) {}
__attribute__((always_inline)) inline void SwitchTo(void*) {}
inline void NameFiber(void*, const char*) {}
inline void MutexCreate(void*) {}
inline void MutexDestroy(void*) {}
inline void Attempt(void*, bool) {}
inline void Acquired(void*, bool) {}
inline void TryLock(void*, bool, bool) {}
inline void Unlock(void*, bool) {}
#endif

}  // namespace ovlfuzz::tsan

#endif  // OVLFUZZ_MODEL_EXEC_TSAN_BRIDGE_H_
