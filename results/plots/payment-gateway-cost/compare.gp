set terminal svg size 900,480 dynamic
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -25 noenhanced
set grid ytics
set key noenhanced top right
set output 'results/plots/payment-gateway-cost/throughput.svg'
set title 'payment-gateway-cost: throughput per preset (medians over seeds 1..3)' noenhanced
set ylabel 'values acknowledged / simulated s'
set yrange [0:*]
plot 'results/plots/payment-gateway-cost/compare.dat' using 3:xtic(2) title 'acked/s'
set output 'results/plots/payment-gateway-cost/latency.svg'
set title 'payment-gateway-cost: latency per preset (medians over seeds 1..3)' noenhanced
set ylabel 'latency, simulated ms'
set yrange [*:*]
set logscale y
plot 'results/plots/payment-gateway-cost/compare.dat' using 4:xtic(2) title 'ack p50', '' using 5 title 'ack p99', '' using 6 title 'ack p999', '' using 7 title 'commit p99', '' using 8 title 'visible p99'
