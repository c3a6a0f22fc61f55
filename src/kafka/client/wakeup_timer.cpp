#include "kafka/client/wakeup_timer.hpp"

#include "base/assert.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

void WakeupTimer::wake_at(sim::TimeUs deadline_us) {
    if (deadline_us == deadline_us_) return;
    if (timer_ != 0) sim_.cancel_timer(timer_);
    timer_ = 0;
    deadline_us_ = deadline_us;
    if (deadline_us == sim::kNever) return;
    EOSIM_ASSERT(deadline_us >= sim_.now());
    timer_ = sim_.set_timer(host_, deadline_us - sim_.now(), tag_);
}

void WakeupTimer::fired() {
    timer_ = 0;
    deadline_us_ = sim::kNever;
}

}  // namespace eosim::kafka
