// gnbd_loopback: a SoapySDR device for gnbd's tests whose TX stream comes back on its RX stream, sample for
// sample, with hardware-time semantics and zero delay. Driver key "gnbd_loopback"; one channel; CF32 only; any
// sample rate (a whole number of Hz is what gnbd uses); frequency, gain and antenna are stored and reported.
//
// Hardware time is the RX position: each readStream returns the next block, at the time following the previous
// one, at once (nothing paces it). TX writes land in a ring keyed by time; a read returns what was written for its
// times, zeros elsewhere. A write for a time RX has already passed is dropped and reported as SOAPY_SDR_TIME_ERROR
// by readStreamStatus; RX passing the end of an open burst (no END_BURST) reports SOAPY_SDR_UNDERFLOW.
// Fault injection through device args: overflow_after=N makes the read at RX sample N (counted from activation)
// return SOAPY_SDR_OVERFLOW once and skip overflow_gap samples (default 100) of time.
//
// Threading: every call takes one mutex, so RX and TX may run on different threads.
#include <SoapySDR/Device.hpp>
#include <SoapySDR/Formats.hpp>
#include <SoapySDR/Registry.hpp>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using cf32 = std::complex<float>;
constexpr long long NS_PER_S = 1000000000LL;
constexpr size_t RING = 1 << 18; // samples of TX the device holds ahead of RX
constexpr size_t MTU = 4096;

class LoopbackDevice : public SoapySDR::Device {
  public:
    explicit LoopbackDevice(const SoapySDR::Kwargs &args) : ring_(RING)
    {
        if (args.count("overflow_after")) overflow_after_ = std::stoll(args.at("overflow_after"));
        if (args.count("overflow_gap")) overflow_gap_ = std::stoll(args.at("overflow_gap"));
    }

    std::string getDriverKey() const override { return "gnbd_loopback"; }
    std::string getHardwareKey() const override { return "gnbd_loopback"; }
    size_t getNumChannels(const int) const override { return 1; }

    std::vector<std::string> getStreamFormats(const int, const size_t) const override { return {SOAPY_SDR_CF32}; }
    std::string getNativeStreamFormat(const int, const size_t, double &full_scale) const override
    {
        full_scale = 1.0;
        return SOAPY_SDR_CF32;
    }

    SoapySDR::Stream *setupStream(const int dir, const std::string &format, const std::vector<size_t> &channels,
                                  const SoapySDR::Kwargs &) override
    {
        if (format != SOAPY_SDR_CF32) throw std::runtime_error("gnbd_loopback: only CF32");
        if (channels.size() > 1 || (channels.size() == 1 && channels[0] != 0))
            throw std::runtime_error("gnbd_loopback: one channel (0)");
        return stream_of(dir);
    }
    void closeStream(SoapySDR::Stream *) override {}
    size_t getStreamMTU(SoapySDR::Stream *) const override { return MTU; }

    int activateStream(SoapySDR::Stream *s, const int flags, const long long time_ns, const size_t) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (s != stream_of(SOAPY_SDR_RX)) return 0;
        rx_active_ = true;
        rx_count_ = 0;
        if (flags & SOAPY_SDR_HAS_TIME) now_ = std::max(now_, to_samples(time_ns)); // stream starts then
        return 0;
    }
    int deactivateStream(SoapySDR::Stream *s, const int, const long long) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (s == stream_of(SOAPY_SDR_RX)) rx_active_ = false;
        return 0;
    }

    int readStream(SoapySDR::Stream *s, void *const *buffs, const size_t n, int &flags, long long &time_ns,
                   const long) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (s != stream_of(SOAPY_SDR_RX)) return SOAPY_SDR_NOT_SUPPORTED;
        if (!rx_active_) return SOAPY_SDR_TIMEOUT;
        long long len = (long long)std::min(n, MTU);
        if (overflow_after_ >= 0 && rx_count_ >= overflow_after_) { // injected overflow: time jumps ahead
            overflow_after_ = -1;
            advance(nullptr, overflow_gap_);
            return SOAPY_SDR_OVERFLOW;
        }
        if (overflow_after_ >= 0) len = std::min(len, overflow_after_ - rx_count_);
        flags = SOAPY_SDR_HAS_TIME;
        time_ns = to_ns(now_);
        advance(static_cast<cf32 *>(buffs[0]), len);
        rx_count_ += len;
        return (int)len;
    }

    int writeStream(SoapySDR::Stream *s, const void *const *buffs, const size_t n, int &flags,
                    const long long time_ns, const long) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (s != stream_of(SOAPY_SDR_TX)) return SOAPY_SDR_NOT_SUPPORTED;
        bool end = (flags & SOAPY_SDR_END_BURST) != 0;
        if (n == 0) { // an empty END_BURST closes the burst
            burst_open_ = burst_open_ && !end;
            return 0;
        }
        long long t = (flags & SOAPY_SDR_HAS_TIME) ? to_samples(time_ns) : burst_open_ ? tx_end_ : now_;
        if (t < now_) { // late: a real device drops the packet and says so asynchronously
            events_.push_back({SOAPY_SDR_TIME_ERROR, t});
            burst_open_ = false;
            return (int)n;
        }
        long long room = now_ + (long long)RING - t;
        long long len = std::min((long long)n, room);
        if (len <= 0) return SOAPY_SDR_TIMEOUT; // ring full: the caller retries
        const cf32 *in = static_cast<const cf32 *>(buffs[0]);
        for (long long i = 0; i < len; i++) ring_[(size_t)(t + i) % RING] = in[i];
        tx_end_ = t + len;
        burst_open_ = !(end && len == (long long)n);
        return (int)len;
    }

    int readStreamStatus(SoapySDR::Stream *s, size_t &chan_mask, int &flags, long long &time_ns,
                         const long) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (s != stream_of(SOAPY_SDR_TX)) return SOAPY_SDR_NOT_SUPPORTED;
        if (events_.empty()) return SOAPY_SDR_TIMEOUT;
        Event e = events_.front();
        events_.pop_front();
        chan_mask = 1;
        flags = SOAPY_SDR_HAS_TIME;
        time_ns = to_ns(e.time);
        return e.code;
    }

    std::vector<std::string> listAntennas(const int, const size_t) const override { return {"LOOP"}; }
    void setAntenna(const int dir, const size_t, const std::string &name) override { antenna_[idx(dir)] = name; }
    std::string getAntenna(const int dir, const size_t) const override { return antenna_[idx(dir)]; }

    using SoapySDR::Device::setGain;
    using SoapySDR::Device::getGain;
    void setGain(const int dir, const size_t, const double db) override { gain_[idx(dir)] = db; }
    double getGain(const int dir, const size_t) const override { return gain_[idx(dir)]; }

    using SoapySDR::Device::setFrequency;
    using SoapySDR::Device::getFrequency;
    void setFrequency(const int dir, const size_t, const double hz, const SoapySDR::Kwargs &) override
    {
        freq_[idx(dir)] = hz;
    }
    double getFrequency(const int dir, const size_t) const override { return freq_[idx(dir)]; }

    void setSampleRate(const int, const size_t, const double hz) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        rate_ = hz;
    }
    double getSampleRate(const int, const size_t) const override { return rate_; }
    SoapySDR::RangeList getSampleRateRange(const int, const size_t) const override { return {{1.0, 1e9}}; }

    std::vector<std::string> listClockSources() const override { return {"internal", "external"}; }
    void setClockSource(const std::string &src) override { clock_source_ = src; }
    std::string getClockSource() const override { return clock_source_; }
    std::vector<std::string> listTimeSources() const override { return {"internal", "external"}; }
    void setTimeSource(const std::string &src) override { time_source_ = src; }
    std::string getTimeSource() const override { return time_source_; }

    bool hasHardwareTime(const std::string &what) const override { return what.empty(); }
    long long getHardwareTime(const std::string &) const override
    {
        std::lock_guard<std::mutex> lock(mu_);
        return to_ns(now_);
    }
    void setHardwareTime(const long long time_ns, const std::string &) override
    {
        std::lock_guard<std::mutex> lock(mu_);
        now_ = to_samples(time_ns);
    }

  private:
    struct Event {
        int code;
        long long time;
    };

    static int idx(int dir) { return dir == SOAPY_SDR_TX ? 0 : 1; }
    SoapySDR::Stream *stream_of(int dir) { return reinterpret_cast<SoapySDR::Stream *>(&stream_tag_[idx(dir)]); }

    // Exact at a whole-number rate: round to the nearest sample / nanosecond.
    long long rate_hz() const { return std::max(1LL, (long long)(rate_ + 0.5)); }
    long long to_samples(long long ns) const
    {
        return (long long)(((__int128)ns * rate_hz() + NS_PER_S / 2) / NS_PER_S);
    }
    long long to_ns(long long samples) const
    {
        return (long long)(((__int128)samples * NS_PER_S + rate_hz() / 2) / rate_hz());
    }

    // Move RX time forward by len samples, handing out (or, with out == nullptr, discarding) the TX samples
    // written for those times; their ring slots are cleared for the next lap.
    void advance(cf32 *out, long long len)
    {
        for (long long i = 0; i < len; i++) {
            cf32 &slot = ring_[(size_t)(now_ + i) % RING];
            if (out) out[i] = slot;
            slot = 0;
        }
        now_ += len;
        if (burst_open_ && now_ > tx_end_) { // the open burst ran dry: what a device calls an underflow
            events_.push_back({SOAPY_SDR_UNDERFLOW, tx_end_});
            burst_open_ = false;
        }
    }

    mutable std::mutex mu_;
    std::vector<cf32> ring_;
    std::deque<Event> events_;
    long long now_ = 0, tx_end_ = 0, rx_count_ = 0;
    long long overflow_after_ = -1, overflow_gap_ = 100;
    bool rx_active_ = false, burst_open_ = false;
    double rate_ = 1e6, freq_[2] = {0, 0}, gain_[2] = {0, 0};
    std::string antenna_[2] = {"LOOP", "LOOP"}, clock_source_ = "internal", time_source_ = "internal";
    int stream_tag_[2] = {0, 0};
};

SoapySDR::KwargsList find_loopback(const SoapySDR::Kwargs &args)
{
    // Only on explicit request, so that a plain SoapySDR enumeration never offers a fake radio.
    if (!args.count("driver") || args.at("driver") != "gnbd_loopback") return {};
    return {{{"driver", "gnbd_loopback"}, {"label", "gnbd TX->RX loopback"}}};
}

SoapySDR::Device *make_loopback(const SoapySDR::Kwargs &args) { return new LoopbackDevice(args); }

const SoapySDR::Registry register_loopback("gnbd_loopback", &find_loopback, &make_loopback, SOAPY_SDR_ABI_VERSION);

} // namespace
