// One collection at a time: the shared studio with its browser, and the scale-out cluster (PostgreSQL, Redis, a web
// node and two workers), each load a 2-core machine on their own. Run side by side they starve each other: workers
// miss their lease renewals and pages their timeouts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
